resource "aws_organizations_organization" "main" {
  feature_set = "ALL"
}
