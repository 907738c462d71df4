# Remote state in S3 with versioning and S3-native locking. The bucket name contains the
# AWS account id (chesschat-tfstate-<account-id>-<region>), so it is passed at init:
#   terraform init -backend-config="bucket=chesschat-tfstate-<account-id>-us-east-1"
# docs/deploy-aws.md shows how to create the bucket once per account.
terraform {
  backend "s3" {
    key          = "dev/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
