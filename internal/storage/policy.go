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
// the governance bypass: exact, naming each owned prefix. It is empty when the scopes own
// nothing.
func TeardownPolicy(scopes []Scope, bypass bool) PolicyDocument {
	return policyAt(scopes, bypass, exactKeys)
}

// FittingPolicy is TeardownPolicy while it fits in maxChars (IAM's count: characters other
// than whitespace); beyond that, the first of ever wider forms that fits (exact is then false):
//
//  1. each folder that holds two or more owned prefixes: <folder>/* instead of its prefixes;
//  2. those folders by their common layout: <ancestor>/*<suffix>/* (V7's name-keyed folders,
//     <connection prefix>/<source folder>/data/<name>, make <ancestor>/*/data/*);
//  3. each walk's folder: <folder>*.
//
// Each form allows deleting keys beside the owned ones (a customer's own file in a source
// folder's data/ folder, say); the listings stay as they are. The last form is returned when
// none fits.
func FittingPolicy(scopes []Scope, bypass bool, maxChars int) (doc PolicyDocument, exact bool) {
	for level := exactKeys; level <= byWalk; level++ {
		// The estimate errs by a few percent: a form is built and counted when it may fit.
		if level == byWalk || estimate(scopes, bypass, level) <= maxChars*5/4 {
			doc = policyAt(scopes, bypass, level)
			if level == byWalk || IAMSize(doc.JSON()) <= maxChars {
				return doc, level == exactKeys
			}
		}
	}
	return doc, false
}

// The forms of the deletes' resources, from exact to widest.
const (
	exactKeys = iota
	byFolder
	byLayout
	byWalk
)

// deleteResources are the object ARNs (before the bucket's) a form allows deletes on.
func (s Scope) deleteResources(level int) []string {
	var out []string
	exact := func(p string) { out = append(out, iamResource.Replace(p), iamResource.Replace(p)+"/*") }
	if level == exactKeys {
		for _, p := range s.Prefixes {
			exact(p)
		}
		return out
	}
	if level == byWalk {
		for _, u := range s.units(false) {
			if len(u.walk.owned) == 1 {
				exact(u.prefix)
			} else {
				out = append(out, iamResource.Replace(u.prefix)+"*")
			}
		}
		return out
	}
	// Folders holding two or more owned prefixes; a lone prefix stays exact.
	children := map[string]int{}
	for _, p := range s.Prefixes {
		children[p[:max(strings.LastIndex(p, "/"), 0)]]++
	}
	var folders []string
	named := map[string]bool{}
	for _, p := range s.Prefixes {
		dir := p[:max(strings.LastIndex(p, "/"), 0)]
		switch {
		case dir == "" || children[dir] < 2:
			exact(p)
		case !named[dir]:
			folders = append(folders, dir)
			named[dir] = true
		}
	}
	if level == byFolder || len(folders) < 2 {
		for _, f := range folders {
			out = append(out, iamResource.Replace(f)+"/*")
		}
		return out
	}
	// The folders' common layout, per first-level folder: <ancestor>/*<suffix>/*.
	groups := map[string][]string{}
	var order []string
	for _, f := range folders {
		g := f[:strings.Index(f+"/", "/")]
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], f)
	}
	for _, g := range order {
		fs := groups[g]
		pattern := ""
		if len(fs) > 1 {
			pattern = layoutPattern(fs)
		}
		if pattern == "" { // one folder, or no layout narrower than the walk's folder
			for _, f := range fs {
				out = append(out, iamResource.Replace(f)+"/*")
			}
			continue
		}
		out = append(out, pattern)
	}
	return out
}

// layoutPattern is one pattern for folders: their longest common folder, *, and the longest
// common tail of whole segments (e.g. v7/darwin/scans/*/data/* for v7/darwin/scans/pNNN/data);
// "" when they share no folder or no tail.
func layoutPattern(folders []string) string {
	ancestor := walkFolder(folders) // two or more folders: their longest common folder
	tail := folders[0][len(ancestor):]
	for _, f := range folders[1:] {
		rest := f[len(ancestor):]
		n := 0
		for n < len(tail) && n < len(rest) && tail[len(tail)-1-n] == rest[len(rest)-1-n] {
			n++
		}
		tail = tail[len(tail)-n:]
	}
	// Whole segments only, and never the whole of a folder's own part.
	if i := strings.Index(tail, "/"); i >= 0 {
		tail = tail[i:]
	} else {
		tail = ""
	}
	if ancestor == "" || tail == "" {
		return "" // <ancestor>/*/* or */…: wider than a layout, the walk form says it plainly
	}
	return iamResource.Replace(ancestor) + "*" + iamResource.Replace(tail) + "/*"
}

// estimate is a form's size without building it: its resources' lengths and a fixed part.
func estimate(scopes []Scope, bypass bool, level int) int {
	n := 700
	for _, s := range scopes {
		arn := len("arn:aws:s3:::"+s.Bucket) + 1 + 3
		times := 1
		if bypass {
			times = 2
		}
		for _, r := range s.deleteResources(level) {
			n += times * (arn + len(r))
		}
		for _, l := range s.listPatterns() {
			n += len(l) + 3
		}
	}
	return n
}

func policyAt(scopes []Scope, bypass bool, level int) PolicyDocument {
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
		for _, r := range s.deleteResources(level) {
			objects.add(bucketARN + "/" + r)
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
