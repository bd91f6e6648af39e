using System.Text.Json;
using System.Text.Json.Serialization;

namespace AsyncNotes.Samples.Production;

/// <summary>The sample's JSON, generated at build time (camelCase, as ASP.NET Core writes it): the server's bodies, and
/// the client's <c>GetAllFromJsonAsync(uris, SampleJson.Default.Answer, ...)</c>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(Invocation))]
[JsonSerializable(typeof(Answer))]
internal sealed partial class SampleJson : JsonSerializerContext;

/// <summary>The body of <c>POST /invoke</c>: LangChain's <c>chain.ainvoke({"question": "..."})</c>.</summary>
/// <param name="Question">The question.</param>
internal sealed record Invocation(string Question);

/// <summary>The slow model's answer.</summary>
/// <param name="Question">The question asked.</param>
/// <param name="Text">The answer.</param>
internal sealed record Answer(string Question, string Text);
