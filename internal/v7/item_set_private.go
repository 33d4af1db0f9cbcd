package v7

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
)

// A set's per-item data (each item's id by place, and the name-keyed folder of each) lives in
// the resource's private state, not in attributes: Terraform prints every element of a
// collection attribute in a destroy plan, and every element of an old value that becomes
// unknown, so a plan of a 100,000-item set would print 100,000 lines whatever it changes. The
// attributes hold counts (item_count, metadata_scope.prefix_count); what destroy needs is read
// from private state, which Terraform keeps beside the state and never prints. The record is
// gzipped JSON: places and folders share long prefixes, and the state file holds it base64
// encoded. The items' ids are what dataplatforms_v7_items lists by folder.

// setRecordKey is the private state key of a set's record.
const setRecordKey = "v7_item_set"

// setRecord is what a set records of its items: their ids by place (<folder>/<name>) and the
// bucket and prefixes its destroy removes.
type setRecord struct {
	Registered map[string]string `json:"registered,omitempty"`
	Bucket     string            `json:"bucket,omitempty"`
	Prefixes   []string          `json:"prefixes,omitempty"`
}

// packedRecord is the private state value: the record's JSON, gzipped (base64 in JSON).
type packedRecord struct {
	Gzip []byte `json:"gzip"`
}

// loadRecord fills m's in-memory items and scope from private state (empty when none was
// recorded: a set from before the record, or a plan of a create).
func loadRecord(ctx context.Context, p teardown.Private, m *itemSetModel) diag.Diagnostics {
	m.Registered, m.Owned, m.Recorded = map[string]string{}, storage.Scope{}, false
	var packed packedRecord
	diags := teardown.LoadKey(ctx, p, setRecordKey, &packed)
	if diags.HasError() {
		return diags
	}
	if len(packed.Gzip) == 0 && m.LegacyRecord.ValueString() != "" {
		// Upgraded from an earlier build: the record waits in legacy_record (see upgradeV0).
		var err error
		if packed.Gzip, err = base64.StdEncoding.DecodeString(m.LegacyRecord.ValueString()); err != nil {
			diags.AddError("Unreadable legacy_record", fmt.Sprintf("The V7 item set's upgraded record could not be read: %s. This is a bug in the provider.", err))
			return diags
		}
	}
	if len(packed.Gzip) == 0 {
		return diags
	}
	m.Recorded = true
	var rec setRecord
	zr, err := gzip.NewReader(bytes.NewReader(packed.Gzip))
	if err == nil {
		var raw []byte
		if raw, err = io.ReadAll(zr); err == nil {
			err = json.Unmarshal(raw, &rec)
		}
	}
	if err != nil {
		diags.AddError("Unreadable private state", fmt.Sprintf("The V7 item set's record of its items could not be read: %s. This is a bug in the provider.", err))
		return diags
	}
	if rec.Registered != nil {
		m.Registered = rec.Registered
	}
	m.Owned = storage.Scope{Bucket: rec.Bucket, Prefixes: rec.Prefixes}
	return diags
}

// saveRecord writes m's items and scope into private state, and their counts into m.
func saveRecord(ctx context.Context, p teardown.Private, m *itemSetModel) diag.Diagnostics {
	m.ItemCount = types.Int64Value(int64(len(m.Registered)))
	m.MetadataScope = scopeSummary(m.Owned)
	m.LegacyRecord = types.StringNull()
	packed, err := packRecord(setRecord{Registered: m.Registered, Bucket: m.Owned.Bucket, Prefixes: slices.Sorted(slices.Values(m.Owned.Prefixes))})
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record the V7 item set's items in private state", err.Error())
		return diags
	}
	return teardown.SaveKey(ctx, p, setRecordKey, packedRecord{Gzip: packed})
}

// packRecord is a record's JSON, gzipped.
func packRecord(rec setRecord) ([]byte, error) {
	raw, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if _, err = zw.Write(raw); err == nil {
		err = zw.Close()
	}
	return buf.Bytes(), err
}

// scopeSummaryTypes is metadata_scope's type: the bucket and how many prefixes the set owns.
var scopeSummaryTypes = map[string]attr.Type{"bucket": types.StringType, "prefix_count": types.Int64Type}

func scopeSummary(s storage.Scope) types.Object {
	obj, _ := types.ObjectValue(scopeSummaryTypes, map[string]attr.Value{
		"bucket": types.StringValue(s.Bucket), "prefix_count": types.Int64Value(int64(len(s.Prefixes)))})
	return obj
}

// registeredOf is a copy of the set's items by place.
func registeredOf(m itemSetModel) map[string]string {
	if m.Registered == nil {
		return map[string]string{}
	}
	return maps.Clone(m.Registered)
}
