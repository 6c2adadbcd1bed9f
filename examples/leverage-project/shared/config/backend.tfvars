#
# Backend Configuration
#

# AWS Profile (required by the backend but also used for other resources)
profile = "me-shared-oaar"

# S3 bucket
bucket = "me-shared-terraform-backend"

# AWS region
region = "us-east-1"

# Enable encryption
encrypt = true

# DynamoDB table
dynamodb_table = "me-shared-terraform-backend"
