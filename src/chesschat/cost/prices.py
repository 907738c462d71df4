"""The price table: us-east-1 on-demand list prices in USD, with where each comes from.

Read from the AWS pricing pages below on ``AS_OF``; the seed's March bill was charged at
these same rates (docs/cost.md reproduces it line by line). Prices change: check the pages
before relying on a figure, and update the table and its date together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

AS_OF = "2026-12-03"
REGION = "us-east-1"

SOURCES: Mapping[str, str] = MappingProxyType(
    {
        "NAT gateway": "https://aws.amazon.com/vpc/pricing/",
        "Interface endpoints": "https://aws.amazon.com/privatelink/pricing/",
        "Application Load Balancer": "https://aws.amazon.com/elasticloadbalancing/pricing/",
        "Public IPv4 addresses": "https://aws.amazon.com/vpc/pricing/",
        "ElastiCache": "https://aws.amazon.com/elasticache/pricing/",
        "Fargate": "https://aws.amazon.com/fargate/pricing/",
        "CloudWatch": "https://aws.amazon.com/cloudwatch/pricing/",
        "Secrets Manager": "https://aws.amazon.com/secrets-manager/pricing/",
        "KMS": "https://aws.amazon.com/kms/pricing/",
        "Route 53": "https://aws.amazon.com/route53/pricing/",
        "ECR": "https://aws.amazon.com/ecr/pricing/",
        "Chime SDK": "https://aws.amazon.com/chime/chime-sdk/pricing/",
        "EC2 and EBS": "https://aws.amazon.com/ec2/pricing/on-demand/ and https://aws.amazon.com/ebs/pricing/",
        "DynamoDB": "https://aws.amazon.com/dynamodb/pricing/on-demand/",
        "Data transfer": "https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer",
        "Free tier": "https://aws.amazon.com/free/ (always-free offers)",
    }
)


@dataclass(frozen=True)
class Prices:
    """One region's prices. Hourly prices are per hour a resource exists; GB are 10^9 bytes."""

    nat_gateway_hour: float = 0.045
    nat_gateway_gb: float = 0.045
    endpoint_az_hour: float = 0.01
    """One interface endpoint in one AZ for one hour."""
    endpoint_gb: float = 0.01
    alb_hour: float = 0.0225
    alb_lcu_hour: float = 0.008
    public_ipv4_hour: float = 0.005
    cache_node_hour: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {"cache.t4g.micro": 0.016, "cache.t4g.small": 0.032, "cache.t4g.medium": 0.065}
        )
    )
    fargate_vcpu_hour: float = 0.04048
    """Linux/x86_64, the task definition's cpu_architecture."""
    fargate_gb_hour: float = 0.004445
    cloudwatch_metric_month: float = 0.30
    cloudwatch_alarm_metric_month: float = 0.10
    """A standard-resolution alarm, per metric it evaluates (a metric-math alarm counts each)."""
    logs_ingest_gb: float = 0.50
    logs_storage_gb_month: float = 0.03
    secret_month: float = 0.40
    secret_calls_10k: float = 0.05
    kms_key_month: float = 1.00
    """A customer managed key; its requests here stay inside the free 20,000 a month."""
    route53_zone_month: float = 0.50
    route53_queries_million: float = 0.40
    """Standard queries; alias queries to an ALB or CloudFront are free."""
    ecr_gb_month: float = 0.10
    chime_attendee_minute: float = 0.0017
    ec2_hour: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {"t4g.nano": 0.0042, "t4g.micro": 0.0084, "t4g.small": 0.0168, "t4g.medium": 0.0336}
        )
    )
    ebs_gp3_gb_month: float = 0.08
    dynamodb_writes_million: float = 0.625
    dynamodb_reads_million: float = 0.125
    dynamodb_gb_month: float = 0.25
    transfer_out_gb: float = 0.09
    """To the internet, the first 10 TB of a month."""
    domain_com_year: float = 15.00
    """A .com registered through Route 53, billed once a year in the renewal month."""
    # The account's always-free allowances, taken as this deployment's alone.
    free_custom_metrics: int = 10
    free_alarm_metrics: int = 10
    free_logs_gb: float = 5.0
    """Of ingestion, and as much again of storage."""
    free_dynamodb_gb: float = 25.0
    free_transfer_out_gb: float = 100.0


PRICES = Prices()
