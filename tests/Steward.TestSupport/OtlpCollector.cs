using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Steward.TestSupport;

/// <summary>One span as a collector received it; ids in lowercase hex, <see cref="ParentSpanId"/> null for a root.</summary>
public sealed record CollectedSpan(
    string Service, string TraceId, string SpanId, string? ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, object?> Attributes)
{
    /// <summary>OTLP's span kinds.</summary>
    public const int Server = 2, Producer = 4, Consumer = 5;

    public object? this[string attribute] => Attributes.GetValueOrDefault(attribute);
}

/// <summary>
/// An OpenTelemetry collector in the test: a Kestrel endpoint on a free loopback port that takes OTLP/HTTP protobuf
/// exports at <c>/v1/traces</c> and keeps the fields of each span that a test checks. The body is read with the
/// protobuf runtime's wire reader, field numbers from opentelemetry-proto's trace.proto: the generated OTLP classes
/// (OpenTelemetry.Proto) are not a package here.
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly ConcurrentQueue<CollectedSpan> _spans = new();
    private WebApplication? _app;

    /// <summary>The address to configure as <c>Steward:OtlpEndpoint</c>.</summary>
    public string Url { get; private set; } = "";

    public IReadOnlyList<CollectedSpan> Spans => [.. _spans];

    public async Task StartAsync()
    {
        Url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Url);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            foreach (var span in ReadExport(body.ToArray())) _spans.Enqueue(span);
            return Results.Bytes([], "application/x-protobuf");   // an empty ExportTraceServiceResponse: all accepted
        });
        await _app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    private static List<CollectedSpan> ReadExport(byte[] body) =>
        Fields(body).Where(f => f.Number == 1).SelectMany(f => ReadResourceSpans(f.Bytes!)).ToList();

    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }, Resource { repeated KeyValue attributes = 1; },
    // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
    private static IEnumerable<CollectedSpan> ReadResourceSpans(ByteString resourceSpans)
    {
        var fields = Fields(resourceSpans.ToByteArray());
        var resource = fields.Where(f => f.Number == 1).SelectMany(f => Fields(f.Bytes!.ToByteArray())).Where(f => f.Number == 1).Select(f => KeyValue(f.Bytes!))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var service = resource.GetValueOrDefault("service.name") as string ?? "";
        return fields.Where(f => f.Number == 2).SelectMany(f => Fields(f.Bytes!.ToByteArray())).Where(f => f.Number == 2).Select(f => ReadSpan(service, f.Bytes!));
    }

    // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; SpanKind kind = 6; repeated KeyValue attributes = 9; }
    private static CollectedSpan ReadSpan(string service, ByteString span)
    {
        var fields = Fields(span.ToByteArray());
        string? Hex(int number) => fields.FirstOrDefault(f => f.Number == number)?.Bytes is { Length: > 0 } bytes ? Convert.ToHexStringLower(bytes.Span) : null;
        return new CollectedSpan(service, Hex(1) ?? "", Hex(2) ?? "", Hex(4), fields.FirstOrDefault(f => f.Number == 5)?.Bytes?.ToStringUtf8() ?? "",
            (int)(fields.FirstOrDefault(f => f.Number == 6)?.Varint ?? 0),
            fields.Where(f => f.Number == 9).Select(f => KeyValue(f.Bytes!)).ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    // KeyValue { string key = 1; AnyValue value = 2; }, AnyValue { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; }
    private static KeyValuePair<string, object?> KeyValue(ByteString keyValue)
    {
        var fields = Fields(keyValue.ToByteArray());
        var key = fields.FirstOrDefault(f => f.Number == 1)?.Bytes?.ToStringUtf8() ?? "";
        var value = fields.FirstOrDefault(f => f.Number == 2)?.Bytes is { } any ? Fields(any.ToByteArray()).FirstOrDefault() : null;
        object? read = value switch
        {
            { Number: 1, Bytes: { } text } => text.ToStringUtf8(),
            { Number: 2, Varint: var flag } => flag != 0,
            { Number: 3, Varint: var number } => (long)number,
            { Number: 4, Fixed64: var bits } => BitConverter.UInt64BitsToDouble(bits),
            _ => null,
        };
        return new(key, read);
    }

    private sealed record Field(int Number, ulong Varint = 0, ulong Fixed64 = 0, ByteString? Bytes = null);

    /// <summary>The fields of one protobuf message, in order; repeated fields come once per element.</summary>
    private static List<Field> Fields(byte[] message)
    {
        var input = new CodedInputStream(message);
        var fields = new List<Field>();
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            fields.Add(WireFormat.GetTagWireType(tag) switch
            {
                WireFormat.WireType.Varint => new Field(number, Varint: input.ReadUInt64()),
                WireFormat.WireType.Fixed64 => new Field(number, Fixed64: input.ReadFixed64()),
                WireFormat.WireType.LengthDelimited => new Field(number, Bytes: input.ReadBytes()),
                WireFormat.WireType.Fixed32 => new Field(number, Varint: input.ReadFixed32()),
                var other => throw new InvalidDataException($"field {number} has wire type {other}, which OTLP does not use"),
            });
        }
        return fields;
    }
}
