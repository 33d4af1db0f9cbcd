# Every version of a dandiset, oldest first (the draft and each published one).
data "dataplatforms_dandi_versions" "jobs" {
  dandiset_id = "001697"
}

output "published_versions" {
  value = [for v in data.dataplatforms_dandi_versions.jobs.versions : v.version if v.status == "Published"]
}
