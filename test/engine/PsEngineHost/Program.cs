// PsEngineHost: runs one PowerShell script file in the real PowerShell engine
// (System.Management.Automation 7.6.9 from NuGet) and prints every stream, one line per record.
//
//   dotnet PsEngineHost.dll <script.ps1> [args...]
//
// Output lines: output objects as text; "VERBOSE: ", "WARNING: ", "ERROR: ", "DEBUG: ", "INFO: ",
// "PROGRESS: " and "WHATIF: " for the other streams and the host's WhatIf text.
// Exit code: the value of $global:EngineExitCode when the script sets it, 1 when the script throws
// (a terminating error) or the engine cannot start, 2 for a usage error, otherwise 0. A script's own
// `exit N` only sets $LASTEXITCODE inside the engine (as for any script called with &): set
// $global:EngineExitCode instead.
//
// Why a host of our own: pwsh cannot be installed on these machines (docs: engineering-notes §0.7, §H);
// the NuGet engine has only the Microsoft.PowerShell.Core cmdlets, so a few Utility cmdlets the module
// legitimately uses get faithful stand-ins in StandIns.cs, and the custom host (EngineHost.cs) captures the
// WhatIf text and answers confirmation prompts from a scripted queue ([PsEngineHost.HostState]).
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;

namespace PsEngineHost
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            Console.OutputEncoding = new UTF8Encoding(false);
            if (args.Length == 0 || args[0] == "--help" || args[0] == "-h")
            {
                Console.Error.WriteLine("usage: dotnet PsEngineHost.dll <script.ps1> [args...]");
                return 2;
            }

            string scriptPath = Path.GetFullPath(args[0]);
            if (!File.Exists(scriptPath))
            {
                Console.Error.WriteLine($"PsEngineHost: script not found: {scriptPath}");
                return 2;
            }

            try
            {
                return Run(scriptPath, args[1..]);
            }
            catch (Exception ex)
            {
                Out.Line("ERROR: engine failure: " + ex);
                return 1;
            }
        }

        private static int Run(string scriptPath, string[] scriptArgs)
        {
            var host = new EngineHost();

            // CreateDefault2 (not CreateDefault, which wants Microsoft.PowerShell.ConsoleHost); ExecutionPolicy left
            // unset because setting it makes Open() throw PlatformNotSupportedException (engineering-notes §H).
            InitialSessionState iss = InitialSessionState.CreateDefault2();
            StandIns.AddTo(iss);

            using Runspace runspace = RunspaceFactory.CreateRunspace(host, iss);
            runspace.Open();

            using PowerShell ps = PowerShell.Create();
            ps.Runspace = runspace;

            var output = new PSDataCollection<PSObject>();
            output.DataAdded += (s, e) => Out.Line(Render(output[e.Index]));
            ps.Streams.Error.DataAdded += (s, e) => Out.Line("ERROR: " + Describe(ps.Streams.Error[e.Index]));
            ps.Streams.Warning.DataAdded += (s, e) => Out.Line("WARNING: " + ps.Streams.Warning[e.Index].Message);
            ps.Streams.Verbose.DataAdded += (s, e) => Out.Line("VERBOSE: " + ps.Streams.Verbose[e.Index].Message);
            ps.Streams.Debug.DataAdded += (s, e) => Out.Line("DEBUG: " + ps.Streams.Debug[e.Index].Message);
            ps.Streams.Information.DataAdded += (s, e) => Out.Line("INFO: " + ps.Streams.Information[e.Index].MessageData);
            ps.Streams.Progress.DataAdded += (s, e) =>
            {
                ProgressRecord record = ps.Streams.Progress[e.Index];
                HostState.RecordProgress(record);
                Out.Line("PROGRESS: " + DescribeProgress(record));
            };

            ps.AddCommand(scriptPath);
            AddScriptArguments(ps, runspace, scriptPath, scriptArgs);

            try
            {
                ps.Invoke<PSObject>(null, output);
            }
            catch (RuntimeException rex)
            {
                Out.Line("ERROR: script terminated: " + Describe(rex.ErrorRecord));
                if (!string.IsNullOrEmpty(rex.ErrorRecord.ScriptStackTrace))
                {
                    Out.Line("ERROR: at " + rex.ErrorRecord.ScriptStackTrace.Replace(Environment.NewLine, " | "));
                }

                return 1;
            }

            object? code = runspace.SessionStateProxy.GetVariable("global:EngineExitCode");
            if (code != null)
            {
                return LanguagePrimitives.ConvertTo<int>(code);
            }

            return host.ExitCode ?? 0;
        }

        /// <summary>
        /// Binds command-line arguments as pwsh -File would: "-Name value" or "-Name:value" for a parameter of the
        /// script, "-Switch" for a switch parameter (unique prefixes allowed), anything else positionally.
        /// </summary>
        private static void AddScriptArguments(PowerShell ps, Runspace runspace, string scriptPath, string[] args)
        {
            var parameters = new Dictionary<string, ParameterMetadata>(StringComparer.OrdinalIgnoreCase);
            using (PowerShell probe = PowerShell.Create())
            {
                probe.Runspace = runspace;
                try
                {
                    Collection<PSObject> found = probe.AddCommand("Get-Command").AddParameter("Name", scriptPath).Invoke();
                    if (found.Count == 1 && found[0].BaseObject is ExternalScriptInfo info)
                    {
                        foreach (KeyValuePair<string, ParameterMetadata> p in info.Parameters)
                        {
                            parameters[p.Key] = p.Value;
                        }
                    }
                }
                catch (RuntimeException)
                {
                    // A script that does not parse has no parameters to read; running it reports the parse errors.
                }
            }

            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                if (a.Length < 2 || a[0] != '-' || char.IsDigit(a[1]))
                {
                    ps.AddArgument(a);
                    continue;
                }

                string name = a[1..];
                string? inlineValue = null;
                int colon = name.IndexOf(':', StringComparison.Ordinal);
                if (colon >= 0)
                {
                    inlineValue = name[(colon + 1)..];
                    name = name[..colon];
                }

                ParameterMetadata? meta = Lookup(parameters, name);
                if (meta == null)
                {
                    ps.AddArgument(a);
                }
                else if (meta.SwitchParameter)
                {
                    ps.AddParameter(meta.Name, inlineValue == null || LanguagePrimitives.ConvertTo<bool>(inlineValue.Trim('$')));
                }
                else if (inlineValue != null)
                {
                    ps.AddParameter(meta.Name, inlineValue);
                }
                else if (i + 1 < args.Length)
                {
                    ps.AddParameter(meta.Name, args[++i]);
                }
                else
                {
                    throw new ArgumentException($"Parameter -{meta.Name} of {scriptPath} needs a value.");
                }
            }
        }

        private static ParameterMetadata? Lookup(Dictionary<string, ParameterMetadata> parameters, string name)
        {
            if (parameters.TryGetValue(name, out ParameterMetadata? exact))
            {
                return exact;
            }

            ParameterMetadata? match = null;
            foreach (KeyValuePair<string, ParameterMetadata> p in parameters)
            {
                if (p.Key.StartsWith(name, StringComparison.OrdinalIgnoreCase))
                {
                    if (match != null)
                    {
                        return null; // ambiguous: let the binder report it
                    }

                    match = p.Value;
                }
            }

            return match;
        }

        private static string Render(PSObject? o)
        {
            if (o == null)
            {
                return string.Empty;
            }

            return LanguagePrimitives.ConvertTo<string>(o) ?? string.Empty;
        }

        internal static string Describe(ErrorRecord er)
        {
            var sb = new StringBuilder();
            sb.Append(er.ErrorDetails?.Message ?? er.Exception?.Message ?? er.ToString());
            sb.Append(" [").Append(er.FullyQualifiedErrorId).Append(", ").Append(er.CategoryInfo.Category).Append(']');
            string? pos = er.InvocationInfo?.PositionMessage;
            if (!string.IsNullOrEmpty(pos))
            {
                sb.Append(' ').Append(pos.Split('\n')[0].Trim());
            }

            return sb.ToString().Replace("\r", string.Empty).Replace("\n", " | ");
        }

        private static string DescribeProgress(ProgressRecord p)
        {
            if (p.RecordType == ProgressRecordType.Completed)
            {
                return $"[{p.ActivityId}] {p.Activity}: completed";
            }

            string pct = p.PercentComplete >= 0 ? $" ({p.PercentComplete}%)" : string.Empty;
            string op = string.IsNullOrEmpty(p.CurrentOperation) ? string.Empty : " - " + p.CurrentOperation;
            return $"[{p.ActivityId}] {p.Activity}: {p.StatusDescription}{pct}{op}";
        }
    }

    /// <summary>Serialised console output: pipeline threads and the host UI both write here.</summary>
    internal static class Out
    {
        private static readonly object Gate = new();

        public static void Line(string text)
        {
            lock (Gate)
            {
                Console.Out.WriteLine(text);
                Console.Out.Flush();
            }
        }
    }
}
