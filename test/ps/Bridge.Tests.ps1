#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The module's side of the protocol: garbage, a dying engine, a stopped pipeline, the credential.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $module = Import-Module (Join-Path (Get-TestRoot) 'dist/ResyncGlb/ResyncGlb.psd1') -Force -PassThru
    $realBundle = & $module { $script:BundlePath }
    # The fake bundles are scripts for node: name it, so they run where the module would otherwise
    # choose its own bin/win-x64/resync-glb.exe (Windows x64; docs/INSTALL.md, "Which engine runs").
    $savedNode = $env:RESYNCGLB_NODE
    $env:RESYNCGLB_NODE = @(Get-Command -Name node -CommandType Application -ErrorAction Stop)[0].Path
    function Use-FakeBundle([string] $Script) {
        $path = Join-Path $TestDrive ("fake-" + [guid]::NewGuid().ToString('N') + '.cjs')
        Set-Content -LiteralPath $path -Value $Script
        & $module { param($p) $script:BundlePath = $p } $path
        $path
    }
}

AfterAll {
    $env:RESYNCGLB_NODE = $savedNode
}

Describe 'Invoke-ResyncBundle' {
    AfterEach {
        & $module { param($p) $script:BundlePath = $p } $realBundle
    }

    It 'reports an engine that prints garbage and dies as ResyncGlb.ProtocolError, quoting what it printed' {
        Use-FakeBundle "process.stdout.write('this is not json\n'); process.exit(0);"
        $err = $null
        try { Get-ResyncGlb -Path $PSCommandPath } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ResyncGlb.ProtocolError,Get-ResyncGlb'
        $err.Exception.Message | Should -Match 'this is not json'
    }

    It 'reports an engine that exits without finishing, with its exit code and error output' {
        Use-FakeBundle "process.stdout.write(JSON.stringify({event:'hello',protocol:1,version:'x',pid:1})+'\n'); process.stderr.write('boom from engine'); process.exit(7);"
        $err = $null
        try { Get-ResyncGlb -Path $PSCommandPath } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ResyncGlb.ProtocolError,Get-ResyncGlb'
        $err.Exception.Message | Should -Match 'exit code 7'
        $err.Exception.Message | Should -Match 'boom from engine'
    }

    It 'refuses an engine of another protocol version' {
        Use-FakeBundle "process.stdout.write(JSON.stringify({event:'hello',protocol:99,version:'x',pid:1})+'\n'); setTimeout(()=>{},100000);"
        { Get-ResyncGlb -Path $PSCommandPath } | Should -Throw -ExpectedMessage '*protocol 99*'
    }

    It 'takes the protocol version it sends and the one it requires from one place' {
        # The fake engine answers with the version the request carried: a module that sent one number and
        # required another would refuse it.
        Use-FakeBundle @"
let buf = '';
process.stdin.on('data', d => { buf += d; if (buf.includes('\n')) {
  const req = JSON.parse(buf.split('\n')[0]);
  process.stdout.write(JSON.stringify({event:'hello',protocol:req.protocol,version:'x',pid:process.pid})+'\n');
  process.stdout.write(JSON.stringify({event:'result',type:'ResyncGlb.FileInfo',data:{Path:'x',Sent:req.protocol}})+'\n');
  process.stdout.write(JSON.stringify({event:'end',exitCode:0})+'\n');
  process.exit(0);
} });
"@ | Out-Null
        $was = & $module { $script:ProtocolVersion }
        try {
            & $module { $script:ProtocolVersion = 7 }
            $r = Get-ResyncGlb -Path $PSCommandPath
            $r.Sent | Should -Be 7
        }
        finally {
            & $module { param($v) $script:ProtocolVersion = $v } $was
        }
        $was | Should -Be 1
    }

    It 'sends the request on stdin, never on the command line, and the password only inside it' {
        $capture = Join-Path $TestDrive 'capture.json'
        Use-FakeBundle @"
const fs = require('fs');
let buf = '';
process.stdin.on('data', d => { buf += d; if (buf.includes('\n')) {
  fs.writeFileSync(process.argv[1] + '.json', JSON.stringify({ argv: process.argv, env: process.env, line: buf.split('\n')[0] }));
  process.stdout.write(JSON.stringify({event:'hello',protocol:1,version:'x',pid:1})+'\n');
  process.stdout.write(JSON.stringify({event:'end',exitCode:0})+'\n');
  process.exit(0);
}});
"@ | Out-Null
        $fake = & $module { $script:BundlePath }
        $secret = ConvertTo-SecureString 'Pa$$-w0rd-"x"' -AsPlainText -Force
        $cred = [pscredential]::new('CORP\admin', $secret)
        New-ResyncGlb -ComputerName EXCH01 -Transport Rpc -Credential $cred -Requestor 'PO1' -Force
        $seen = Get-Content -Raw "$fake.json" | ConvertFrom-Json
        ($seen.argv -join ' ') | Should -Not -Match 'Pa\$\$'
        ($seen.argv -join ' ') | Should -Not -Match 'PO1'
        ($seen.env | ConvertTo-Json) | Should -Not -Match 'Pa\$\$'
        $request = $seen.line | ConvertFrom-Json
        $request.secret.password | Should -BeExactly 'Pa$$-w0rd-"x"'
        $request.params.requestor | Should -Be @('PO1')
    }

    It 'keeps hostile names byte for byte into the request' {
        Use-FakeBundle @"
let buf = '';
process.stdin.on('data', d => { buf += d; if (buf.includes('\n')) {
  const req = JSON.parse(buf.split('\n')[0]);
  process.stdout.write(JSON.stringify({event:'hello',protocol:1,version:'x',pid:1})+'\n');
  process.stdout.write(JSON.stringify({event:'result',type:'X.Echo',data:{Requestor:req.params.requestor}})+'\n');
  process.stdout.write(JSON.stringify({event:'end',exitCode:0})+'\n');
  process.exit(0);
}});
"@ | Out-Null
        # typographic quotes are quote characters to PowerShell, so they are built from their code points
        $typographic = -join [char[]]@(0x2018, 0x78, 0x2019, 0x20, 0x201C, 0x79, 0x201D)
        $names = @("a'b`"c", $typographic, '$(Remove-Item -Recurse /)', '`n; | &', "Z$([char]0xFC)rich $([char]0x6771)$([char]0x4EAC)")
        $r = New-ResyncGlb -LabPath $TestDrive -Requestor $names -Force
        $r.Requestor | Should -Be $names
    }
}

Describe 'a dying engine and the automatic recover' {
    BeforeAll {
        # A fake engine that appends every request's command to <bundle>.log, then for 'new' writes
        # hello and its pid, closes stdout but stays alive (a hung engine), or exits at once.
        function script:Use-RecordingBundle([string] $OnNew) {
            $path = Use-FakeBundle @"
const fs = require('fs');
let buf = ''; let handled = false;
process.stdin.on('data', d => { buf += d; if (!handled && buf.includes('\n')) {
  handled = true;
  const req = JSON.parse(buf.split('\n')[0]);
  const log = process.argv[1] + '.log';
  if (req.command === 'recover') {
    let newAlive = null;
    try { const pid = Number(fs.readFileSync(process.argv[1] + '.pid', 'utf8')); process.kill(pid, 0); newAlive = true; } catch (e) { newAlive = e.code === 'EPERM'; }
    fs.appendFileSync(log, JSON.stringify({ command: 'recover', newAlive }) + '\n');
    process.stdout.write(JSON.stringify({event:'hello',protocol:1,version:'x',pid:process.pid})+'\n');
    process.stdout.write(JSON.stringify({event:'end',exitCode:0})+'\n');
    process.exit(0);
  }
  fs.appendFileSync(log, JSON.stringify({ command: req.command, whatIf: req.params.whatIf }) + '\n');
  fs.writeFileSync(process.argv[1] + '.pid', String(process.pid));
  process.stdout.write(JSON.stringify({event:'hello',protocol:1,version:'x',pid:process.pid})+'\n');
  $OnNew
}});
"@
            return $path
        }
        function script:Get-RecordedCommands([string] $Bundle) {
            @(Get-Content -LiteralPath "$Bundle.log" | ForEach-Object { $_ | ConvertFrom-Json })
        }
    }
    AfterEach {
        & $module { param($p) $script:BundlePath = $p } $realBundle
    }

    It 'under -WhatIf an engine that dies is not followed by a real recover' {
        $fake = Use-RecordingBundle "process.exit(7);"
        $err = $null
        try { New-ResyncGlb -LabPath $TestDrive -Requestor PO1 -WhatIf } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ResyncGlb.ProtocolError,New-ResyncGlb'
        $err.Exception.Message | Should -Match 'recover was not run'
        (Get-RecordedCommands $fake).command | Should -Be @('new')
    }

    It 'an engine that stopped talking but still runs is stopped before recover runs' {
        $fake = Use-RecordingBundle "fs.closeSync(1); setTimeout(() => {}, 120000);"
        $err = $null
        try { New-ResyncGlb -LabPath $TestDrive -Requestor PO1 -Force } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ResyncGlb.ProtocolError,New-ResyncGlb'
        $recorded = Get-RecordedCommands $fake
        $recorded.command | Should -Be @('new', 'recover')
        $recorded[1].newAlive | Should -BeFalse
    }

    It 'a stopped pipeline keeps reading the engine until end, so a long rollback cannot block on a full pipe' {
        # On cancel the fake writes 4 MiB of verbose events (far more than a pipe holds), then end.
        $fake = Use-FakeBundle @"
const fs = require('fs');
let buf = ''; let started = false;
process.stdin.on('data', d => { buf += d;
  if (!started && buf.includes('\n')) { started = true; process.stdout.write(JSON.stringify({event:'hello',protocol:1,version:'x',pid:process.pid})+'\n'); fs.writeFileSync(process.argv[1] + '.started', 'x'); }
  if (buf.includes('"control":"cancel"')) {
    const line = JSON.stringify({event:'verbose',message:'x'.repeat(1000)})+'\n';
    for (let i = 0; i < 4096; i++) process.stdout.write(line);
    // Exits only once everything was flushed to the reader, as the engine does after 'end'.
    process.stdout.write(JSON.stringify({event:'end',exitCode:1})+'\n', () => { fs.writeFileSync(process.argv[1] + '.done', 'x'); process.exit(1); });
  }
});
"@
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($m, $bundle)
                Import-Module $m
                & (Get-Module ResyncGlb) { param($p) $script:BundlePath = $p } $bundle
                New-ResyncGlb -LabPath $bundle -Requestor PO1 -Force
            }).AddArgument((Get-TestManifestPath)).AddArgument($fake)
        $null = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Test-Path "$fake.started") -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Stop()
        $ps.Dispose()
        Test-Path "$fake.done" | Should -BeTrue
        # Not the 300 s cancel limit: the engine finished as soon as its output was read.
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 120
    }
}

Describe 'a stopped pipeline' {
    It 'cancels the engine, which rolls back: no value left, service running' {
        $lab = New-TestLab
        try {
            $null = Invoke-TestCli -Arguments @('lab', 'fault', $lab, '--unrecognise')
            $ps = [powershell]::Create()
            $null = $ps.AddScript({
                    param($manifest, $lab)
                    Import-Module $manifest
                    New-ResyncGlb -LabPath $lab -Requestor PO1 -RecognitionTimeoutSec 120 -Force
                }).AddArgument((Join-Path (Get-TestRoot) 'dist/ResyncGlb/ResyncGlb.psd1')).AddArgument($lab)
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Get-TestLabValue -Path $lab) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Get-TestLabValue -Path $lab | Should -Be @('PO1')
            $ps.Stop()
            $ps.Dispose()
            Get-TestLabValue -Path $lab | Should -BeNullOrEmpty
            ((Invoke-TestCli -Arguments @('lab', 'status', $lab, '--json')).Output | ConvertFrom-Json).Status | Should -Be 'Running'
        }
        finally {
            Remove-TestLab -Path $lab
        }
    }
}
