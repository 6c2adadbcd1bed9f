#
# Backend Configuration
#

# AWS Profile (required by the backend but also used for other resources)
profile = "me-security-oaar"

# S3 bucket
bucket = "me-security-terraform-backend"

# AWS region
region = "us-east-1"

# Enable encryption
encrypt = true

# DynamoDB table
dynamodb_table = "me-security-terraform-backend"
