// Checks an ontology file against the OWL 2 RL and OWL 2 DL profiles with the OWL API (the reference
// implementation of the OWL 2 structural specification), so that "OWL 2 RL" is checked by a tool outside
// this project and not by our own reading of the specification.
//
// Run as a single-file source program (Java 11+, no build artefact), e.g. on Debian:
//   java -cp '/usr/share/java/*' tests/owlapi/ProfileCheck.java ontology/alaska.ttl
// tests/test_owl_profile.py does this (and gives the exact class path).
//
// Prints one line per problem, "<PROFILE>\t<violation class>\t<violation>", then one summary line
// "summary\tRL=<n>\tDL=<n>\tunparsed=<n>". A triple the OWL API cannot map to an axiom or annotation
// ("unparsed triple") is reported too: it would otherwise vanish silently from the ontology the profile
// checkers see. Exit 0 when there is no problem, 1 when there is one, 2 when the file cannot be loaded.

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.OWLParserException;
import org.semanticweb.owlapi.io.RDFTriple;
import org.semanticweb.owlapi.model.OWLDocumentFormat;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyCreationException;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWL2RLProfile;
import org.semanticweb.owlapi.profiles.OWLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public final class ProfileCheck {
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: java -cp CLASSPATH ProfileCheck.java ONTOLOGY_FILE");
            System.exit(2);
        }
        File file = new File(args[0]);
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology;
        try {
            ontology = manager.loadOntologyFromOntologyDocument(file);
        } catch (OWLOntologyCreationException | OWLParserException e) {
            System.err.println(file + ": cannot be loaded: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (ontology.getAxiomCount() == 0) {
            System.err.println(file + ": no axiom loaded");
            System.exit(2);
        }

        List<String> lines = new ArrayList<>();
        int rl = report("RL", new OWL2RLProfile(), ontology, lines);
        int dl = report("DL", new OWL2DLProfile(), ontology, lines);
        int unparsed = 0;
        OWLDocumentFormat format = manager.getOntologyFormat(ontology);
        if (format != null && format.getOntologyLoaderMetaData().isPresent()) {
            List<String> triples = new ArrayList<>();
            format.getOntologyLoaderMetaData().get().getUnparsedTriples()
                .forEach(t -> triples.add("unparsed\tUnparsedTriple\t" + t));
            triples.sort(null);
            unparsed = triples.size();
            lines.addAll(triples);
        }
        lines.forEach(System.out::println);
        System.out.println("summary\tRL=" + rl + "\tDL=" + dl + "\tunparsed=" + unparsed
            + "\taxioms=" + ontology.getAxiomCount());
        System.exit(rl + dl + unparsed == 0 ? 0 : 1);
    }

    private static int report(String name, OWLProfile profile, OWLOntology ontology, List<String> lines) {
        List<String> found = new ArrayList<>();
        for (OWLProfileViolation v : profile.checkOntology(ontology).getViolations()) {
            found.add(name + "\t" + v.getClass().getSimpleName() + "\t" + v.toString().replace('\n', ' '));
        }
        found.sort(null);
        lines.addAll(found);
        return found.size();
    }
}
