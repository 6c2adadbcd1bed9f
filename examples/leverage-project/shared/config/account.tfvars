environment = "shared"
