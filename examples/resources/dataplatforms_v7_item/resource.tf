# An image in the customer's read-write bucket, registered into a V7 dataset. V7 writes its
# thumbnails and sections where its guide says, next to the source:
# <connection prefix>/raw/2024/batch-7/data/scan-0001.jpg/…. Destroy deletes the item and then
# exactly that folder (see metadata_scope), never the source image. metadata_objects_found
# shows what V7 wrote there once the item was processed.
resource "dataplatforms_v7_item" "scan" {
  dataset_slug = "lung-scans"
  storage_slug = "acme-s3" # the connection's name (what darwin-py sends) or its slug
  name         = "scan-0001.jpg"
  path         = "/2024/batch-7"
  tags         = ["batch-7"] # a tag without a class yet gets one

  slots = [{
    slot_name   = "0"
    file_name   = "scan-0001.jpg"
    storage_key = "raw/2024/batch-7/scan-0001.jpg"
  }]
}

# A read-only storage connection: V7 only reads. slot_name, file_name and storage_key are
# enough; this customer also made a thumbnail and declares where it keeps such derivatives, so
# destroy removes them too.
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

# An item registered before 2023, adopted with terraform import: V7 documents nowhere where it
# wrote such items' files, so their place is declared and the guide's folder is not assumed.
resource "dataplatforms_v7_item" "before_2023" {
  dataset_slug            = "lung-scans"
  storage_slug            = "acme-s3-2022"
  name                    = "scan-0003.jpg"
  metadata_layout         = "none"
  extra_metadata_prefixes = ["v7/2022-layout/scan-0003.jpg"]
  deletion_protection     = true

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
