# Assets of one subject from the draft's assets.jsonld, streamed. sub-01 never takes sub-010.
data "dataplatforms_dandi_assets" "sub_01" {
  dandiset_id = "001697"
  path_prefix = "sub-01"
}

output "sub_01_bytes" {
  value = sum([for a in data.dataplatforms_dandi_assets.sub_01.assets : a.content_size])
}
