# A record of a data-store domain, stored in YOUnite itself.
resource "dataplatforms_younite_data_record" "oregon" {
  domain = "states"
  json   = jsonencode({ name = "Oregon", code = "OR" })
}

# A federated student record adopted by import (see import.sh). Destroy deletes it only at the
# learning-management adaptor: the student stays in YOUnite and in every other system.
resource "dataplatforms_younite_data_record" "student" {
  domain               = "students"
  zone_uuid            = "2f0c8a4e-0000-4000-8000-00000000a001"
  delete_adaptor_uuids = ["7a1d0000-0000-4000-8000-0000000000b2"]
}
