package templates

import "testing"

func BenchmarkRenderAck(b *testing.B) {
	for _, tc := range cases() {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := RenderAck(tc.ack); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
