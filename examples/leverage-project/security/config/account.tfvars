environment = "security"
