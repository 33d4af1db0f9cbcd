# The DR's identity is its UUID, and the zone when the token belongs to several (leave zone_uuid
# out for the provider's younite.zone_uuid). The identity names no domain: where YOUnite's answer
# does not name it, write domain in the configuration (recorded in place), or import by the id
# form with /<domain> for a configuration that `terraform plan -generate-config-out` writes.
import {
  to = dataplatforms_younite_data_record.student
  identity = {
    zone_uuid = "2f0c8a4e-0000-4000-8000-00000000a001"
    id        = "5b7e9d2c-3f1a-4c8e-9b6d-0a1b2c3d4e5f"
  }
}
