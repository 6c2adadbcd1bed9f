#
# users.tf sensitive data output (alphabetically ordered)
#
output "user_natasha_romanoff_name" {
  description = "The user's name"
  value       = module.user["natasha.romanoff"].iam_user_name
}

output "user_natasha_romanoff_login_profile_encrypted_password" {
  description = "The encrypted password, base64 encoded"
  value       = module.user["natasha.romanoff"].iam_user_login_profile_encrypted_password
  sensitive   = true
}
