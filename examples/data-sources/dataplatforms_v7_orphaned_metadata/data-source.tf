# The metadata folders V7 left in the bucket for items that no longer exist, in one source
# folder: <connection prefix>/raw/2021/data/<name>/…, where no live or archived item named
# <name> has a file in raw/2021. `folders` holds those with evidence that V7 wrote them;
# `unconfirmed` those that only look like V7's (perhaps the customer's own), with a few keys each.
data "dataplatforms_v7_orphaned_metadata" "raw_2021" {
  storage_slug  = "acme-s3"
  source_folder = "raw/2021"
}

output "orphaned" {
  value = "${data.dataplatforms_v7_orphaned_metadata.raw_2021.folder_count} folders, ${data.dataplatforms_v7_orphaned_metadata.raw_2021.bytes} bytes"
}

output "to_judge" {
  value = { for f in data.dataplatforms_v7_orphaned_metadata.raw_2021.unconfirmed : f.prefix => f.sample_keys }
}
