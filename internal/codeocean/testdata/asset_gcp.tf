variable "name" {
  type = string
}

variable "client_secret" {
  type      = string
  sensitive = true
}

resource "dataplatforms_codeocean_data_asset" "test" {
  name  = var.name
  mount = "gcs"

  source = {
    gcp = {
      bucket        = "sandbox-gcs"
      prefix        = "eeg"
      client_id     = "sandbox-client"
      client_secret = var.client_secret
    }
  }
}
