# Does YOUnite hold a link for this student at the LMS adaptor? `linked = false` is not proof
# that the LMS lacks the student: links are recorded only after the adaptor's data events.
data "dataplatforms_younite_dr_adaptor_check" "lms" {
  dr_uuid      = "5b7e9d2c-3f1a-4c8e-9b6d-0a1b2c3d4e5f"
  adaptor_uuid = "7a1d0000-0000-4000-8000-0000000000b2"
}

output "student_in_lms" {
  value = data.dataplatforms_younite_dr_adaptor_check.lms.definitive ? "linked" : "unknown"
}
