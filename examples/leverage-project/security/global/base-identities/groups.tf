module "iam_group_admins" {
  source = "github.com/binbashar/terraform-aws-iam.git//modules/iam-group-with-policies?ref=v4.7.0"

  name                              = "admins"
  group_users                       = [module.user["natasha.romanoff"].iam_user_name]
  attach_iam_self_management_policy = true
  custom_group_policy_arns          = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}
