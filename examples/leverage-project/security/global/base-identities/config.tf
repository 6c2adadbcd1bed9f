# Providers
provider "aws" {
  region  = var.region
  profile = var.profile
}

# Backend Config (partial)
terraform {
  required_version = "~> 1.6"

  backend "s3" {
    key = "security/identities/terraform.tfstate"
  }
}
