package dev.typedrpc.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import dev.typedrpc.annotations.AcceptBreakingChange;
import dev.typedrpc.annotations.RpcService;
import dev.typedrpc.processor.codegen.CodecsGenerator;
import dev.typedrpc.processor.codegen.JsonCodecsGenerator;
import dev.typedrpc.processor.codegen.JsonGenerator;
import dev.typedrpc.processor.codegen.JsonNames;
import dev.typedrpc.processor.codegen.ProtoGenerator;
import dev.typedrpc.processor.codegen.RpcClassGenerator;
import dev.typedrpc.processor.codegen.SourceText;
import dev.typedrpc.processor.model.ServiceModel;
import dev.typedrpc.processor.parse.Baseline;
import dev.typedrpc.processor.parse.BaselineCheck;
import dev.typedrpc.processor.parse.ProtoOptions;
import dev.typedrpc.processor.parse.ServiceParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;

/**
 * Generates stubs, skeletons, dispatchers, codecs and schemas for {@code @RpcService} interfaces. A
 * service that refers to types not generated yet waits for a later round. Each service gets two
 * classes in its package, {@code <Iface>Rpc} (public) and {@code <Iface>RpcCodecs}
 * (package-private), and its schema files; a name clash with them is reported on the service.
 */
@AutoService(Processor.class)
public final class RpcProcessor extends AbstractProcessor {
  private static final String GENERATED = "javax.annotation.processing.Generated";

  static final String SERVICES_FILE = "META-INF/services/dev.typedrpc.spi.GeneratedService";

  /**
   * The directory of released JSON descriptors ({@code <service name>.json}) to check services
   * against; no check without it.
   */
  static final String BASELINE_OPTION = "typedrpc.baseline";

  /** Test hook: makes the processor crash on the service, to test crash reporting. */
  static final String CRASH_OPTION = "typedrpc.internal.crashForTest";

  private final Set<String> deferred = new LinkedHashSet<>();
  private final Map<String, String> serviceNames = new HashMap<>();
  private final Set<String> providers = new TreeSet<>();
  private final Set<String> reportedRules = new HashSet<>();

  /**
   * typedrpc's annotations, Jakarta's access-policy annotations (read on services) and
   * {@code @Generated}, which the generated classes carry: claiming them (see {@link #process})
   * keeps {@code -Xlint:all -Werror} builds free of javac's "No processor claimed any of these
   * annotations" warning. A processor that reads {@code @Generated}, {@code @RolesAllowed},
   * {@code @PermitAll} or {@code @DenyAll} must run before this one.
   */
  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(
        "dev.typedrpc.annotations.*",
        GENERATED,
        "jakarta.annotation.security.RolesAllowed",
        "jakarta.annotation.security.PermitAll",
        "jakarta.annotation.security.DenyAll");
  }

  @Override
  public Set<String> getSupportedOptions() {
    Set<String> options = new TreeSet<>(Set.of(BASELINE_OPTION, CRASH_OPTION));
    for (String name : ProtoOptions.NAMES) {
      options.add(ProtoOptions.PREFIX + name);
    }
    return options;
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  // claims (returns true): javac's -Xlint:processing warns of unclaimed annotations, and
  // -Werror makes that fatal for users; only typedrpc's annotations, @Generated and the three
  // access-policy annotations are claimed
  @SuppressWarnings("DoNotClaimAnnotations")
  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    List<Element> elements = new ArrayList<>();
    for (String name : deferred) {
      TypeElement e = processingEnv.getElementUtils().getTypeElement(name);
      if (e != null) {
        elements.add(e);
      }
    }
    deferred.clear();
    elements.addAll(round.getElementsAnnotatedWith(RpcService.class));
    checkAcceptedRules(round);
    for (Element element : elements) {
      Diagnostics diagnostics = new Diagnostics();
      try {
        if (processingEnv.getOptions().containsKey(CRASH_OPTION)) {
          throw new IllegalStateException("crash requested by -A" + CRASH_OPTION);
        }
        ServiceParser.Result result = new ServiceParser(processingEnv).parse(element, diagnostics);
        if (result.defer() && !round.processingOver()) {
          deferred.add(((TypeElement) element).getQualifiedName().toString());
          continue;
        }
        if (result.model() != null) {
          checkBaseline(result, diagnostics);
        }
        diagnostics.flush(processingEnv.getMessager());
        if (result.model() != null && !diagnostics.hasErrors()) {
          write(result.model());
        }
      } catch (RuntimeException | IOException e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        processingEnv
            .getMessager()
            .printMessage(
                Diagnostic.Kind.ERROR,
                Message.PROCESSOR_BUG.format(element.getSimpleName(), e, trace),
                element);
      }
    }
    if (round.processingOver()) {
      writeServicesFile();
    }
    return true; // typedrpc's annotations are for this processor alone
  }

  /** Compares the service with its released descriptor, if a baseline directory is set. */
  private void checkBaseline(ServiceParser.Result result, Diagnostics diagnostics) {
    String dir = processingEnv.getOptions().get(BASELINE_OPTION);
    if (dir == null || dir.isBlank()) {
      return;
    }
    ServiceModel s = result.model();
    Path path = Path.of(dir);
    Baseline baseline;
    try {
      baseline = Baseline.find(path, s.serviceName(), s.iface().canonicalName());
    } catch (IOException | RuntimeException e) {
      diagnostics.error(
          s.origin(),
          Message.BASELINE_UNREADABLE,
          path.resolve(s.serviceName() + ".json"),
          e.getMessage(),
          s.serviceName());
      return;
    }
    if (baseline != null) {
      new BaselineCheck(s, baseline, result.sites(), diagnostics).run();
    }
  }

  /** Every {@code @AcceptBreakingChange} must name a rule of the baseline check. */
  private void checkAcceptedRules(RoundEnvironment round) {
    Set<String> rules = new TreeSet<>();
    for (Message m : Message.values()) {
      if (m.isBreakingRule()) {
        rules.add(m.tag());
      }
    }
    for (Element e :
        round.getElementsAnnotatedWithAny(
            Set.of(AcceptBreakingChange.class, AcceptBreakingChange.List.class))) {
      for (AnnotationMirror accept : BaselineCheck.accepts(e)) {
        AnnotationValue rule = BaselineCheck.rule(accept);
        // a record component's annotation is also on its field, accessor and constructor parameter
        String key = owner(e) + "#" + e.getSimpleName() + "#" + rule.getValue();
        if (!rules.contains((String) rule.getValue()) && reportedRules.add(key)) {
          processingEnv
              .getMessager()
              .printMessage(
                  Diagnostic.Kind.ERROR,
                  Message.UNKNOWN_BREAKING_RULE.format(
                      e.getSimpleName(), rule.getValue(), String.join(", ", rules)),
                  e,
                  accept,
                  rule);
        }
      }
    }
  }

  private static String owner(Element e) {
    Element owner = e.getEnclosingElement();
    while (owner != null && !(owner instanceof TypeElement)) {
      owner = owner.getEnclosingElement();
    }
    return owner == null ? "" : ((TypeElement) owner).getQualifiedName().toString();
  }

  private void write(ServiceModel s) throws IOException {
    String other = serviceNames.putIfAbsent(s.serviceName(), s.iface().canonicalName());
    if (other != null) {
      error(s.origin(), Message.DUPLICATE_SERVICE_NAME, other, s.iface(), s.serviceName());
      return;
    }
    JavaFile rpc = RpcClassGenerator.generate(s);
    JavaFile codecs = CodecsGenerator.generate(s);
    JavaFile jsonCodecs = JsonCodecsGenerator.generate(s);
    if (!canGenerate(s, s.rpcClass())
        || !canGenerate(s, s.codecsClass())
        || !canGenerate(s, JsonNames.holder(s))) {
      return;
    }
    try {
      source(rpc);
      source(codecs);
      source(jsonCodecs);
    } catch (FilerException e) {
      // another service or processor of this compilation generated a file of the same name
      error(
          s.origin(),
          Message.GENERATED_NAME_CLASH,
          rpc.typeSpec().name() + " and " + codecs.typeSpec().name(),
          s.iface(),
          "the compiler refused to create one of them (" + e.getMessage() + ")");
      return;
    }
    String base = "META-INF/typedrpc/" + s.serviceName();
    resource(base + ".proto", ProtoGenerator.generate(s), s.origin());
    resource(base + ".json", JsonGenerator.generate(s), s.origin());
    providers.add(s.rpcClass().canonicalName() + "$Provider");
  }

  /**
   * Whether no type of this compilation's sources is named {@code generated} already (a class of an
   * earlier build on the class path is no clash: the generated source replaces it). Reports the
   * clash on the service otherwise.
   */
  private boolean canGenerate(ServiceModel s, ClassName generated) {
    TypeElement existing =
        processingEnv.getElementUtils().getTypeElement(generated.canonicalName());
    if (existing == null || !Sources.isSource(processingEnv, existing)) {
      return true;
    }
    error(
        s.origin(),
        Message.GENERATED_NAME_CLASH,
        generated.canonicalName(),
        s.iface(),
        "a type of that name exists already");
    return false;
  }

  private void error(Element element, Message message, Object... args) {
    processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message.format(args), element);
  }

  private void source(JavaFile file) throws IOException {
    String name = file.packageName() + "." + file.typeSpec().name();
    JavaFileObject out =
        processingEnv
            .getFiler()
            .createSourceFile(name, file.typeSpec().originatingElements().toArray(new Element[0]));
    try (Writer w = out.openWriter()) {
      w.write(SourceText.of(file));
    }
  }

  private void resource(String path, String text, Element origin) throws IOException {
    FileObject file =
        processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "", path, origin);
    try (Writer w = file.openWriter()) {
      w.write(text);
    }
  }

  /** Writes the ServiceLoader file, keeping entries of an existing one (incremental builds). */
  private void writeServicesFile() {
    if (providers.isEmpty()) {
      return;
    }
    Filer filer = processingEnv.getFiler();
    Set<String> all = new TreeSet<>(providers);
    try {
      FileObject existing = filer.getResource(StandardLocation.CLASS_OUTPUT, "", SERVICES_FILE);
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(existing.openInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          String entry = line.replaceAll("#.*", "").trim();
          if (!entry.isEmpty()) {
            all.add(entry);
          }
        }
      }
    } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
      // no existing file: nothing to merge
    }
    try {
      FileObject file = filer.createResource(StandardLocation.CLASS_OUTPUT, "", SERVICES_FILE);
      try (OutputStream out = file.openOutputStream()) {
        for (String p : all) {
          out.write((p + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      processingEnv
          .getMessager()
          .printMessage(Diagnostic.Kind.ERROR, "Cannot write " + SERVICES_FILE + ": " + e);
    }
    providers.clear();
  }
}
