package storage

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode"
)

// The least IAM permissions a teardown of scopes needs, as a policy document: the engine's own
// requests, and nothing else, on exactly the bucket and owned prefixes (AWS's "Actions,
// resources, and condition keys for Amazon S3"):
//
//   - List: s3:ListBucket (ListObjectsV2) and s3:ListBucketVersions (ListObjectVersions), only
//     for the list prefixes the engine sends (condition s3:prefix, StringLike): the folder each
//     walk of owned prefixes lists and what lies under it, or the one owned prefix p and p/….
//     A listing shows key names, not contents; the deletes stay on the owned keys alone.
//   - Uploads: s3:ListBucketMultipartUploads on the bucket (the action takes no s3:prefix).
//   - BucketSettings: s3:GetBucketVersioning, which tells the listing the bucket needs, and
//     s3:GetBucketObjectLockConfiguration when the governance bypass is on.
//   - Delete: s3:DeleteObject, s3:DeleteObjectVersion and s3:AbortMultipartUpload on the owned
//     keys (p and p/*).
//   - Bypass, when the bypass is on: s3:BypassGovernanceRetention on the owned keys.
//
// s3:GetObjectRetention and s3:GetObjectLegalHold on the owned keys are optional: with them, a
// version refused by object lock is reported with its mode and date.

// PolicyDocument is an IAM policy document.
type PolicyDocument struct {
	Version   string            `json:"Version"`
	Statement []PolicyStatement `json:"Statement"`
}

// PolicyStatement is one statement of a PolicyDocument.
type PolicyStatement struct {
	Sid       string                         `json:"Sid"`
	Effect    string                         `json:"Effect"`
	Action    []string                       `json:"Action"`
	Resource  []string                       `json:"Resource"`
	Condition map[string]map[string][]string `json:"Condition,omitempty"`
}

// TeardownPolicy is the least policy for deleting scopes (one bucket each), with or without
// the governance bypass. It is empty when the scopes own nothing.
func TeardownPolicy(scopes []Scope, bypass bool) PolicyDocument {
	doc := PolicyDocument{Version: "2012-10-17"}
	// Sets, not slices searched at each add: a V7 item set owns a prefix per item, and the
	// policy of 100,000 of them took 42 s to build (quadratic), at every refresh.
	var buckets, listPrefixes, objects orderedSet
	for _, s := range scopes {
		if len(s.Prefixes) == 0 {
			continue
		}
		bucketARN := "arn:aws:s3:::" + s.Bucket
		buckets.add(bucketARN)
		listPrefixes.add(s.listPatterns()...)
		for _, p := range s.Prefixes {
			objects.add(bucketARN+"/"+iamResource.Replace(p), bucketARN+"/"+iamResource.Replace(p)+"/*")
		}
	}
	if len(buckets.list) == 0 {
		return doc
	}
	slices.Sort(listPrefixes.list)
	settings := []string{"s3:GetBucketVersioning"}
	if bypass {
		settings = append(settings, "s3:GetBucketObjectLockConfiguration")
	}
	doc.Statement = []PolicyStatement{
		{Sid: "List", Effect: "Allow", Action: []string{"s3:ListBucket", "s3:ListBucketVersions"}, Resource: buckets.list,
			Condition: map[string]map[string][]string{"StringLike": {"s3:prefix": listPrefixes.list}}},
		{Sid: "Uploads", Effect: "Allow", Action: []string{"s3:ListBucketMultipartUploads"}, Resource: buckets.list},
		{Sid: "BucketSettings", Effect: "Allow", Action: settings, Resource: buckets.list},
		{Sid: "Delete", Effect: "Allow", Action: []string{"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload"}, Resource: objects.list},
	}
	if bypass {
		doc.Statement = append(doc.Statement, PolicyStatement{Sid: "Bypass", Effect: "Allow", Action: []string{"s3:BypassGovernanceRetention"}, Resource: objects.list})
	}
	return doc
}

// JSON is the document as IAM takes it ("" when it has no statement).
func (d PolicyDocument) JSON() string {
	if len(d.Statement) == 0 {
		return ""
	}
	b, _ := json.MarshalIndent(d, "", "  ")
	return string(b)
}

// A key may hold the characters IAM reads as wildcards (* and ?) or as the start of a policy
// variable ($): written as they are, "scan-*" would grant deletes on every neighbour that
// starts with "scan-". IAM spells them literally as ${*}, ${?} and ${$} (IAM User Guide, "IAM
// policy elements: Variables and tags", special characters), in an ARN and in a StringLike
// condition value alike.
var iamResource = strings.NewReplacer("$", "${$}", "*", "${*}", "?", "${?}")

// IAM's limits on a policy's size, in characters without whitespace ("IAM and AWS STS quotas"):
// a managed policy, and all the inline policies of one role together.
const (
	IAMManagedPolicyMaxChars = 6144
	IAMRoleInlineMaxChars    = 10240
)

// IAMSize is the size IAM counts against those limits of a policy document's JSON: its
// characters other than whitespace.
func IAMSize(policyJSON string) int {
	n := 0
	for _, r := range policyJSON {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// orderedSet is a list without repeats, in the order of first addition.
type orderedSet struct {
	list []string
	seen map[string]struct{}
}

func (s *orderedSet) add(values ...string) {
	if s.seen == nil {
		s.seen = map[string]struct{}{}
	}
	for _, v := range values {
		if _, ok := s.seen[v]; !ok {
			s.seen[v] = struct{}{}
			s.list = append(s.list, v)
		}
	}
}
