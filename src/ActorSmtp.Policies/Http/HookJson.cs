using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorSmtp.Policies.Http;

/// <summary>The wire format, generated at build time: camelCase out, any case in, no reflection per request.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HookRequest))]
[JsonSerializable(typeof(HookAnswer))]
internal sealed partial class HookJson : JsonSerializerContext;
