// ResyncPsHost.exe <script.ps1> [-Name value | -Switch]...
// Runs one PowerShell script file in a runspace with the default session state and writes its streams as
// plain text lines: output to stdout; errors, warnings, verbose and information to stderr, each with a
// prefix. Exit code 0 when the script ran without an error record, 1 when it wrote one or threw, 2 on bad
// arguments. pwsh.exe is not used because its console host needs a real Windows console.
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;

internal static class Program
{
    private static readonly object Gate = new();
    private static TextWriter Out = TextWriter.Null;
    private static TextWriter Err = TextWriter.Null;

    private static int Main(string[] args)
    {
        var utf8 = new UTF8Encoding(false);
        Out = new StreamWriter(Console.OpenStandardOutput(), utf8) { AutoFlush = true };
        Err = new StreamWriter(Console.OpenStandardError(), utf8) { AutoFlush = true };
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            Err.WriteLine("usage: ResyncPsHost <script.ps1> [-Name value | -Switch]...");
            return 2;
        }

        var script = Path.GetFullPath(args[0]);
        var parameters = new List<KeyValuePair<string, object>>();
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith('-') || args[i].Length < 2)
            {
                Err.WriteLine($"ResyncPsHost: expected a parameter name at '{args[i]}'");
                return 2;
            }
            var name = args[i].Substring(1);
            // A name followed by another name (or nothing) is a switch.
            if (i + 1 < args.Length && !args[i + 1].StartsWith('-')) parameters.Add(new(name, args[++i]));
            else parameters.Add(new(name, true));
        }

        var errors = 0;
        try
        {
            // A host of its own has no powershell.config.json, so the policy would be Restricted: this
            // process's scope allows the script (the same as pwsh -ExecutionPolicy Bypass).
            Environment.SetEnvironmentVariable("PSExecutionPolicyPreference", "Bypass");
            var iss = InitialSessionState.CreateDefault2();
            using var runspace = RunspaceFactory.CreateRunspace(iss);
            runspace.Open();
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddCommand(script);
            foreach (var p in parameters) ps.AddParameter(p.Key, p.Value);

            // Records are written as they arrive, so a hung script still shows how far it got.
            ps.Streams.Error.DataAdded += (s, e) =>
            {
                var r = ps.Streams.Error[e.Index];
                Interlocked.Increment(ref errors);
                Line(Err, "ERROR: ", Describe(r));
            };
            ps.Streams.Warning.DataAdded += (s, e) => Line(Err, "WARNING: ", ps.Streams.Warning[e.Index].Message);
            ps.Streams.Verbose.DataAdded += (s, e) => Line(Err, "VERBOSE: ", ps.Streams.Verbose[e.Index].Message);
            ps.Streams.Debug.DataAdded += (s, e) => Line(Err, "DEBUG: ", ps.Streams.Debug[e.Index].Message);
            ps.Streams.Information.DataAdded += (s, e) => Line(Err, "INFO: ", ps.Streams.Information[e.Index].MessageData?.ToString() ?? "");

            var output = new PSDataCollection<PSObject>();
            output.DataAdded += (s, e) => Line(Out, "", output[e.Index]?.ToString() ?? "");
            // HadErrors is not used: it is also true for errors the script silenced (-ErrorAction SilentlyContinue).
            ps.Invoke<PSObject, PSObject>(null, output, new PSInvocationSettings());
        }
        catch (RuntimeException e)
        {
            errors++;
            Line(Err, "ERROR: ", e.ErrorRecord is null ? e.ToString() : Describe(e.ErrorRecord));
        }
        catch (Exception e)
        {
            errors++;
            Line(Err, "ERROR: ", e.ToString());
        }
        return errors == 0 ? 0 : 1;
    }

    private static string Describe(ErrorRecord r)
    {
        var text = new StringBuilder(r.ToString());
        text.Append($" [{r.FullyQualifiedErrorId}]");
        if (!string.IsNullOrEmpty(r.ScriptStackTrace)) text.Append('\n').Append(r.ScriptStackTrace);
        return text.ToString();
    }

    private static void Line(TextWriter w, string prefix, string text)
    {
        lock (Gate) w.WriteLine(prefix + text);
    }
}
