environment = "management"
