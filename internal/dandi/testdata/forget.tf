# Leaves the resource to its fate without destroying it (Terraform 1.7+).
removed {
  from = dataplatforms_dandi_derivative_version.test

  lifecycle {
    destroy = false
  }
}
