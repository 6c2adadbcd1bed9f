module "terraform_backend" {
  source    = "github.com/binbashar/terraform-aws-tfstate-backend.git?ref=v1.0.26"
  namespace = var.project
  stage     = var.environment
  name      = "terraform-backend"
}
