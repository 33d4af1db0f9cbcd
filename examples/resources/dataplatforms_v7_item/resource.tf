# An image in the customer's read-write bucket, registered into a V7 dataset. V7 writes its
# thumbnail and sections under the storage connection's prefix; destroy deletes the item and
# then exactly those files (see metadata_scope), never the source image.
resource "dataplatforms_v7_item" "scan" {
  dataset_slug = "lung-scans"
  storage_slug = "acme-s3"
  name         = "scan-0001.jpg"
  path         = "/2024/batch-7"
  tags         = ["batch-7"]

  slots = [{
    slot_name   = "0"
    file_name   = "scan-0001.jpg"
    storage_key = "raw/2024/batch-7/scan-0001.jpg"
  }]
}

# A read-only storage connection: V7 only reads. The customer made the thumbnail and declares
# where it keeps such derivatives, so destroy removes them too.
resource "dataplatforms_v7_item" "readonly" {
  dataset_slug            = "lung-scans"
  storage_slug            = "acme-s3-readonly"
  name                    = "scan-0002.jpg"
  extra_metadata_prefixes = ["derived/scan-0002"]

  slots = [{
    slot_name             = "0"
    file_name             = "scan-0002.jpg"
    storage_key           = "raw/scan-0002.jpg"
    storage_thumbnail_key = "derived/scan-0002/thumbnail.jpg"
    width                 = 2048
    height                = 2048
  }]
}

# Items registered before 2023 keep V7's files in a name-keyed folder: data/<name>.
resource "dataplatforms_v7_item" "legacy" {
  dataset_slug        = "lung-scans"
  storage_slug        = "acme-s3-2022"
  name                = "scan-0003.jpg"
  metadata_layout     = "legacy_name"
  deletion_protection = true

  slots = [{
    slot_name   = "0"
    file_name   = "scan-0003.jpg"
    storage_key = "raw/scan-0003.jpg"
  }]

  timeouts = {
    create = "30m"
  }
}

output "v7_files_removed_on_destroy" {
  value = dataplatforms_v7_item.scan.metadata_scope
}
