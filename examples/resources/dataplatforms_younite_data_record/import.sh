# <dr_uuid>, or <zone_uuid>/<dr_uuid> when the token belongs to several zones.
terraform import dataplatforms_younite_data_record.student 2f0c8a4e-0000-4000-8000-00000000a001/5b7e9d2c-3f1a-4c8e-9b6d-0a1b2c3d4e5f
