using System.Text.Json;
using System.Text.Json.Serialization;

namespace AsyncNotes.Http.Tests;

/// <summary>The body of <c>/ok/{id}</c>: <c>{"id":1,"name":"user 1"}</c>.</summary>
internal sealed record User(int Id, string Name);

/// <summary>Source-generated JSON for the tests' types, as <c>GetAllFromJsonAsync</c> expects (no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(User))]
internal sealed partial class TestJson : JsonSerializerContext;
