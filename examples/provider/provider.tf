# Every block is optional: configure the platforms you use. Each value can also come from the
# environment (V7_API_KEY, CODEOCEAN_API_TOKEN, DANDI_API_KEY, YOUNITE_TOKEN, FOUNDRY_TOKEN, …),
# which keeps secrets out of configuration files.
provider "dataplatforms" {
  v7 {
    api_key   = var.v7_api_key
    team_slug = "my-team"
  }

  codeocean {
    domain = "acme.codeocean.com"
    token  = var.codeocean_token
  }

  dandi {
    # The vendor sandbox; omit for the production archive.
    endpoint = "https://api.sandbox.dandiarchive.org/api"
    api_key  = var.dandi_api_key
  }

  younite {
    endpoint  = "https://younite.example.com/api"
    token     = var.younite_token
    zone_uuid = "123e4567-e89b-12d3-a456-426614174000"
  }

  foundry {
    hostname = "acme.palantirfoundry.com"
    token    = var.foundry_token
  }

  # Storage cleanup in your buckets uses the AWS SDK's credential chain.
  s3 {
    region = "eu-west-1"
  }

  retry {
    max_attempts = 5
    max_wait     = "2m"
  }

  # Requests per second, shared by every resource (defaults follow the platforms' published
  # limits); a 429 slows the pace down, quiet seconds speed it back up.
  rate_limit {
    v7              = 10
    v7_registration = 1.667 # V7 documents 100 registrations a minute
    foundry         = 80
  }
}

variable "v7_api_key" {
  type      = string
  sensitive = true
}

variable "codeocean_token" {
  type      = string
  sensitive = true
}

variable "dandi_api_key" {
  type      = string
  sensitive = true
}

variable "younite_token" {
  type      = string
  sensitive = true
}

variable "foundry_token" {
  type      = string
  sensitive = true
}
