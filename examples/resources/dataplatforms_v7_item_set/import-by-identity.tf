# Terraform 1.12+ and OpenTofu 1.12+: the identity names the set's folder as the id does; the
# storage connection is found as for an id without one.
import {
  to = dataplatforms_v7_item_set.scans
  identity = {
    team_slug    = "acme"
    dataset_slug = "scans"
    path         = "/2024"
  }
}
