# Terraform 1.12+ and OpenTofu 1.12+: the identity names what the id does.
import {
  to = dataplatforms_dandi_derivative_version.v1_0_0
  identity = {
    dandiset_id        = "001697"
    version            = "v1.0.0"
    dandiset_directory = "/data/dandisets/001697"
  }
}
