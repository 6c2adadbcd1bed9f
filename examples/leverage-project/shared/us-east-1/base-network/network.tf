module "vpc" {
  source = "github.com/binbashar/terraform-aws-vpc.git?ref=v3.18.1"
  name   = "${var.project}-shared-vpc"
  cidr   = "172.18.0.0/20"
}
