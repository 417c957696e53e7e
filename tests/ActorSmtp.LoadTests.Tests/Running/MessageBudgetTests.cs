using ActorSmtp.LoadTests.Running;

namespace ActorSmtp.LoadTests.Tests.Running;

public sealed class MessageBudgetTests
{
    [Fact]
    public void Takes_are_cut_at_the_limit_and_returned_tickets_can_be_taken_again()
    {
        var budget = new MessageBudget(12);

        Assert.Equal(5, budget.Take(5));
        Assert.Equal(5, budget.Take(5));
        Assert.Equal(2, budget.Take(5));
        Assert.True(budget.IsExhausted);
        Assert.Equal(0, budget.Take(5));

        budget.Return(3);
        Assert.False(budget.IsExhausted);
        Assert.Equal(3, budget.Take(5));
        Assert.False(budget.TryTake());
    }

    [Fact]
    public void Without_a_limit_every_take_is_granted()
    {
        var budget = new MessageBudget(null);

        Assert.Equal(1000, budget.Take(1000));
        budget.Return(1000);
        Assert.False(budget.IsExhausted);
        Assert.True(budget.TryTake());
    }
}
