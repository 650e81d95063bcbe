; Inno Setup 6.3+ script for Lantern (Windows, x64). Build with packaging\windows\build_installer.py,
; which renders the icon, reads the version from pyproject.toml and runs:
;   iscc /DAppVersion=<version> /DAppVersionNumeric=<a.b.c.d> /DBundleDir=<dist\lantern>
;        /DIconFile=<build\windows\lantern.ico> /DOutputDir=<dist> packaging\windows\lantern.iss
; Per-user install by default (no administrator rights); "Install for all users" is offered.
; Start-menu shortcut, optional desktop shortcut, uninstaller. Nothing is downloaded.
; Uninstalling keeps each user's data folder (%LOCALAPPDATA%\Lantern: guideline index and the
; encrypted records), so reinstalling or upgrading never loses a patient's records.

#ifndef AppVersion
  #error Pass /DAppVersion=... (packaging\windows\build_installer.py does)
#endif
#ifndef AppVersionNumeric
  #define AppVersionNumeric AppVersion
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\lantern"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\windows\lantern.ico"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "Lantern"
#define AppPublisher "Lantern team"
#define AppExe "lanternw.exe"

[Setup]
; A fixed id: an upgrade replaces the installed version. Never change it after a release.
AppId={{8F0B6E2A-3C4D-4E7B-9A51-6C2D1B7E4F30}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
AppCopyright=Copyright (C) 2025-2026 the Lantern team
VersionInfoVersion={#AppVersionNumeric}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} installer
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
OutputDir={#OutputDir}
OutputBaseFilename=Lantern-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
LZMAUseSeparateProcess=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; files of an older version that the new bundle may no longer carry
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{#IconFile}"; DestDir: "{app}"; DestName: "lantern.ico"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\lantern.ico"; Comment: "Private, offline answers to breast-cancer questions"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\lantern.ico"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
