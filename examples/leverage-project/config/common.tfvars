project      = "me"
project_long = "mfaexample"

region_primary   = "us-east-1"
region_secondary = "us-west-2"

accounts = {
  management = {
    email = "aws+management@example.com",
    id    = "000123456789"
  },
  security = {
    email = "aws+security@example.com",
    id    = "000123456790"
  },
  shared = {
    email = "aws+shared@example.com",
    id    = "000123456791"
  }
}

sso_enabled = false
