terraform {
  required_version = ">= 1.10.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.80.0, < 6.0.0"
      # CloudFront certificates live in us-east-1 whatever the main region is.
      configuration_aliases = [aws.us_east_1]
    }
  }
}
