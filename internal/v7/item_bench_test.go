package v7

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

const benchDerived = 10000

// BenchmarkItemTeardown10k destroys one V7 item whose metadata scope holds 10,000 derived
// objects, exactly as the resource's Delete does (teardownOf + teardown.Run: the V7 delete,
// then the storage engine), on the embedded store and, when DATAPLATFORMS_VERSITYGW names a
// binary, on versitygw. Setup (registration, 10,000 PUTs) is outside the timer.
func BenchmarkItemTeardown10k(b *testing.B) {
	stores := []string{s3store.Embedded}
	if os.Getenv(s3store.VersityGWEnv) != "" {
		stores = append(stores, s3store.VersityGW)
	}
	for _, kind := range stores {
		b.Run(kind, func(b *testing.B) { benchItemTeardown(b, kind) })
	}
}

func benchItemTeardown(b *testing.B, kind string) {
	ctx := context.Background()
	var store *s3store.Server
	if kind == s3store.VersityGW {
		var err error
		if store, err = s3store.StartVersityGW(os.Getenv(s3store.VersityGWEnv)); err != nil {
			b.Fatal(err)
		}
		defer func() { _ = store.Close() }()
	}
	sb, err := sandbox.Start(ctx, sandbox.Options{Fakes: []sandbox.Fake{v7fake.New()}, S3: store})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	httpc := transport.New(transport.Config{Platform: PlatformName})
	c := NewClient(sb.Endpoints["v7"]+"/api", v7fake.APIKey, httpc)
	data := providerdata.New("bench")
	data.Set(providerdata.V7, &providerdata.Conn{Endpoint: sb.Endpoints["v7"] + "/api", Secret: v7fake.APIKey, HTTP: httpc})
	r := &itemResource{data: data, typeName: "dataplatforms_v7_item"}
	s3c := sb.Store().Client()
	engine := storage.New(s3c, storage.Options{})
	for i := range b.N {
		b.StopTimer()
		m := benchItem(ctx, b, c, s3c, i)
		t, diags := r.teardownOf(ctx, m)
		if diags.HasError() {
			b.Fatal(diags)
		}
		b.StartTimer()
		prog, diags := teardown.Run(ctx, engine, t, teardown.Progress{})
		b.StopTimer()
		if diags.HasError() || prog.Removed.Total() != benchDerived+v7fake.DerivedPerSlot {
			b.Fatalf("teardown removed %d objects (want %d): %v", prog.Removed.Total(), benchDerived+v7fake.DerivedPerSlot, diags)
		}
		b.StartTimer()
	}
	b.ReportMetric(benchDerived+v7fake.DerivedPerSlot, "objects/op")
}

// benchItem registers an item and writes 10,000 more derived objects into its scope.
func benchItem(ctx context.Context, b *testing.B, c *Client, s3c *s3.Client, i int) itemModel {
	b.Helper()
	src := fmt.Sprintf("bench/src-%d.jpg", i)
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String(src), Body: strings.NewReader("src")}); err != nil {
		b.Fatal(err)
	}
	name := fmt.Sprintf("bench-%d", i)
	reg, err := c.Register(ctx, v7fake.TeamSlug, false, v7fake.DatasetSlug, v7fake.StorageRW,
		RegisterItem{Name: name, Path: "/bench", Slots: []RegisterSlot{{SlotName: "0", FileName: "f", StorageKey: src}}})
	if err != nil || len(reg.Items) != 1 {
		b.Fatalf("registering: %v %+v", err, reg)
	}
	id := reg.Items[0].ID
	prefix := v7fake.MetadataFolder("v7/darwin", src, name)
	var g errgroup.Group
	g.SetLimit(32)
	for k := range benchDerived {
		g.Go(func() error {
			_, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(sandbox.BucketPlain),
				Key: aws.String(fmt.Sprintf("%s/frames/%05d.jpg", prefix, k)), Body: strings.NewReader("frame")})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	scope := teardown.ScopeValue(ctx, sandbox.BucketPlain, []string{prefix})
	return itemModel{ID: types.StringValue(id), TeamSlug: types.StringValue(v7fake.TeamSlug), Name: types.StringValue(name),
		Slots:     []slotModel{{SlotName: types.StringValue("0"), FileName: types.StringValue("f"), StorageKey: types.StringValue(src)}},
		DatasetID: types.Int64Value(v7fake.DatasetID), DeletionProtection: types.BoolValue(false), MetadataScope: scope,
		ExtraMetadataPrefixes: types.ListNull(types.StringType)}
}
