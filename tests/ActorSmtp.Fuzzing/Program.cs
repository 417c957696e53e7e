using ActorSmtp.Fuzzing;
using SharpFuzz;

// Usage: ActorSmtp.Fuzzing <session|data|proxy>            one input per run from stdin, under afl-fuzz (fuzz.sh)
//        ActorSmtp.Fuzzing <session|data|proxy> FILE...    replays files (a crash AFL++ found, the corpus)
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: ActorSmtp.Fuzzing <{string.Join('|', FuzzTargets.All.Keys)}> [FILE...]");
    return 2;
}

if (args.Length > 1)
{
    var failed = 0;
    foreach (var file in args[1..])
    {
        try
        {
            target(File.ReadAllBytes(file));
        }
        catch (Exception e)
        {
            failed++;
            Console.WriteLine($"{file}: {e}");
        }
    }
    Console.WriteLine($"{args.Length - 1 - failed} passed, {failed} failed");
    return failed == 0 ? 0 : 1;
}

// Out of process: the instrumented Protocol assembly reports coverage to afl-fuzz; an exception is a crash.
Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(buffer.ToArray());
});
return 0;
