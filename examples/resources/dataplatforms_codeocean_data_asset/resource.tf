# Raw recordings copied into Code Ocean from S3. Nothing in the bucket is owned: destroy
# deletes the data asset only.
resource "dataplatforms_codeocean_data_asset" "raw" {
  name        = "ephys session 12"
  description = "Neuropixels recordings, mouse 612"
  mount       = "ephys"
  tags        = ["raw", "ephys"]

  custom_metadata = {
    experiment    = "visual-coding"
    subject_count = "1"
    acquired      = "2024-05-01"
  }

  source = {
    aws = {
      bucket = "acme-raw-data"
      prefix = "ephys/session-12"
    }
  }

  permissions = {
    users    = [{ email = "lab-lead@acme.org", role = "owner" }]
    groups   = [{ group = "ephys", role = "viewer" }]
    everyone = "none"
  }
}

# A computation's results written to the customer's bucket as an external result. The target
# prefix is declared owned, so destroy deletes the asset and then exactly that prefix.
resource "dataplatforms_codeocean_data_asset" "sorted" {
  name  = "spike sorting, session 12"
  mount = "sorted"
  tags  = ["derived"]

  source = {
    computation = { id = "9c1f0000-0000-4000-8000-00000000c0de" }
  }

  target = {
    aws = { bucket = "acme-derived", prefix = "sorting/session-12" }
  }

  storage_cleanup = {
    owns_target = true
  }
}
