# The demo configuration `make demo` runs against the local sandbox. The sandbox's environment
# file points every platform and S3 at loopback, so the provider block needs nothing else.
# Platform resources join this file as each platform lands.
terraform {
  required_providers {
    dataplatforms = {
      source = "registry.terraform.io/dataplatforms/dataplatforms"
    }
  }
}

provider "dataplatforms" {
  retry {
    max_attempts = 3
    max_wait     = "30s"
  }
}
