// Package storage owns the one S3 deletion algorithm of the provider: removing exactly the
// objects a platform resource owns in a customer's bucket — current objects, every version and
// every delete marker under the owned prefixes, never a neighbour's key — and counting them for
// `terraform plan -destroy` previews.
//
// A prefix p owns the key p and the keys under p + "/": "scan-1" owns "scan-1" and
// "scan-1/thumb.jpg", never "scan-10" or "scan-1.jpg".
package storage
