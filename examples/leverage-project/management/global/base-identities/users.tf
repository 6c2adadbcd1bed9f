#
# IAM users, one per person; initial password and keys encrypted with the user's GPG key
#
module "user" {
  for_each = local.users
  source   = "github.com/binbashar/terraform-aws-iam.git//modules/iam-user?ref=v4.7.0"

  name                    = each.key
  force_destroy           = true
  pgp_key                 = file("keys/${each.key}")
  create_iam_access_key   = false
  password_reset_required = true

  tags = local.tags
}
