# The outputs of pipeline version v1.0.0 (and its hash-suffixed builds such as
# v1.0.0+fixes+20abeb6) in dandiset 001697 and in a local clone of it. Destroy deletes the
# version's assets from the draft, then its local directories; version-v1.0.00 or
# Version-v1.0.0 are other versions and stay. It needs a DANDI API key (DANDI_API_KEY).
resource "dataplatforms_dandi_derivative_version" "v1_0_0" {
  dandiset_id        = "001697"
  dandiset_directory = "/data/dandisets/001697"
  version            = "v1.0.0"
}

output "v1_0_0_directories" {
  value = dataplatforms_dandi_derivative_version.v1_0_0.directories
}
