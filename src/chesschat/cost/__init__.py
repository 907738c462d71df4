"""What a month of running ChessChat on AWS costs, before it is deployed.

``prices`` is the dated price table, ``profiles`` the deployments and loads as data,
``tfvars`` reads a terraform.tfvars into a profile, ``model`` turns a profile and a load
into a bill. All of it is pure: the CLI reads files and prints; ``plot`` draws (matplotlib,
the ``plot`` extra).
"""
