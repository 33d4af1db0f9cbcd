# The directories of pipeline version v1.0.0 in a local clone of dandiset 001697.
data "dataplatforms_dandi_version_directories" "v1_0_0" {
  dandiset_directory = "/data/dandisets/001697"
  version            = "v1.0.0"
}
