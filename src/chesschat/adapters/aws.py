"""Secrets from AWS Secrets Manager: read by the app itself, never passed in env vars."""

from __future__ import annotations

import functools


@functools.cache
def secret_value(arn: str | None, region: str) -> str | None:
    """The secret's string (``None`` when no ARN is configured)."""
    if not arn:
        return None
    import boto3

    client = boto3.client("secretsmanager", region_name=region)
    value: str = client.get_secret_value(SecretId=arn)["SecretString"]
    return value
