# <dr_uuid>, or <zone_uuid>/<dr_uuid> when the token belongs to several zones. YOUnite's documented
# DR answer does not name the domain: append /<domain> (<dr_uuid>/<domain> or
# <zone_uuid>/<dr_uuid>/<domain>) for a configuration that `terraform plan -generate-config-out`
# writes to plan with no changes; without it, write domain in the configuration (recorded in place).
terraform import dataplatforms_younite_data_record.student 2f0c8a4e-0000-4000-8000-00000000a001/5b7e9d2c-3f1a-4c8e-9b6d-0a1b2c3d4e5f/students
