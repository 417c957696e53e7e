namespace ActorSmtp.Policies;

/// <summary>
/// The stages a policy type is asked at when its entry in <c>actorsmtp.policies</c> names none (<c>stages = [...]</c>);
/// without this attribute, every stage.
/// </summary>
/// <example><code>[PolicyStages(PolicyStage.RcptTo)] public sealed class RecipientDirectoryPolicy : PolicyActor { ... }</code></example>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class PolicyStagesAttribute(params PolicyStage[] stages) : Attribute
{
    public IReadOnlyList<PolicyStage> Stages { get; } = stages;
}
